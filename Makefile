# Thin wrapper over package.json scripts and scripts/: ordering only, no logic of its own.
.DEFAULT_GOAL := help
STAMPEDE := node bin/stampede.js

.PHONY: help install build test bench bench-max bench-keyed bench-rate bench-fleet bench-micro bench-soak bench-consume bench-e2e-cost bench-txn bench-trace bench-pipeline bench-netproxy broker-up broker-down clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

install: ## Install npm packages (@napi-rs/cli, node-rdkafka, Bun, Deno), kcat; check the Rust toolchain, Java and Maven
	bash scripts/install.sh

build: install ## Build the native client and its testing variant (napi build: Rust, librdkafka) and compile TypeScript into dist/
	npm run build

test: build ## Unit, CLI, integration (real brokers it starts itself), install-from-tarballs and Bun/Deno suites
	npm run test:only

bench: build broker-up ## Start the local broker and run the default workload (configs/workloads/default.yaml): a stepped run ending with the curve and the knee
	$(STAMPEDE) run --workload configs/workloads/default.yaml

bench-max: build ## Sweep for stampede's highest acked rate, then run rdkafka_performance, ProducerPerformance and node-rdkafka on the same broker
	npm run bench:max

bench-keyed: build ## Keyed ÷ unkeyed records at max rate, one thread, trace header on and off, interleaved rounds (BASELINE=dir: another built checkout beside this one)
	npm run bench:keyed -- $(if $(BASELINE),--baseline $(BASELINE))

bench-rate: build ## Fixed-rate cross-checks: rdkafka_performance -r -l, Kafka's EndToEndLatency, the pacer's CPU
	npm run bench:rate

bench-soak: build ## 10 minutes at half the max rate on a broker of its own: RSS, errors, every interval's rate (not in make test)
	npm run bench:soak

bench-fleet: build ## Many hosts on this machine: records/s for 1, 2, 3 sshd "hosts" (127.0.0.2–4) and one process, coordinator CPU, line bytes
	npm run bench:fleet

bench-consume: build ## stampede consume ÷ Kafka's ConsumerPerformance (rdkafka_performance -G beside them) on the same topic and broker (its own): records/s and CPU-s per million records, interleaved rounds
	npm run bench:consume $(if $(BASELINE),-- --baseline $(BASELINE))

bench-e2e-cost: build ## What --e2e costs producers at max rate (with ÷ without, interleaved), split into the consumers' own CPU (thread clocks) and core sharing (BASELINE=dir: another build beside this one)
	npm run bench:e2e-cost $(if $(BASELINE),-- --baseline $(BASELINE))
bench-txn: build ## Transaction cost: records/s with a commit every 100 ms ÷ without transactions, interleaved rounds on a broker of its own
	npm run bench:txn

bench-trace: build ## Record trace cost at max rate: records/s and CPU-s per million acked, --record-trace header ÷ value, interleaved rounds on a broker of its own
	npm run bench:trace

bench-pipeline: build ## Through a Kafka Streams map topology at three fixed rates: raw-topic e2e beside the passthrough stage, the processor's added latency, its lag
	npm run bench:pipeline

bench-netproxy: build ## Network-fault proxy cost: records/s at max rate and produce→ack p50 at a fixed rate, through the proxy ÷ direct, interleaved rounds on a broker of its own
	npm run bench:netproxy

bench-micro: build ## tinybench micro suite: simulation, encoders, histograms, batch packing, key hashing
	npm run bench:micro

broker-up: build ## Start the local Kafka broker on 127.0.0.1:9092
	$(STAMPEDE) broker up

broker-down: build ## Stop the local Kafka broker
	$(STAMPEDE) broker down

clean: ## Remove build output (keeps node_modules and the Kafka cache)
	rm -rf dist
