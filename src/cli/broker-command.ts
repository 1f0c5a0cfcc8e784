import { localBrokerStatus, startLocalBroker, stopLocalBroker } from '../broker/local.js';
import { optionValue } from '../options/values.js';

export async function brokerCommand(action: string, argv: Record<string, unknown>): Promise<number> {
  const port = optionValue('broker', 'port', argv) as number;
  switch (action) {
    case 'up': {
      const heapMb = optionValue('broker', 'heap-mb', argv) as number;
      const mavenRepo = optionValue('broker', 'maven-repo', argv) as string | undefined;
      const useMaven = optionValue('broker', 'kafka-from', argv) === 'maven';
      const kafkaSource = { useMaven, ...(mavenRepo === undefined ? {} : { mavenRepo }) };
      const broker = await startLocalBroker({ port, heapMb, kafkaSource, log: (line) => console.log(line) });
      console.log(
        broker.alreadyRunning
          ? `Kafka is already up on 127.0.0.1:${port} (pid ${broker.pid})`
          : `Kafka is up on 127.0.0.1:${port} (pid ${broker.pid}, data in ${broker.dataDir})`,
      );
      return 0;
    }
    case 'down': {
      const outcome = await stopLocalBroker({ port });
      console.log(outcome === 'stopped' ? `Kafka on 127.0.0.1:${port} stopped` : `no local Kafka started by stampede on 127.0.0.1:${port}`);
      return 0;
    }
    default: {
      const status = await localBrokerStatus({ port });
      const pid = status.pid === null ? '' : ` (pid ${status.pid})`;
      const line = {
        up: `Kafka${pid} is running on 127.0.0.1:${port}${status.answering ? ' and answering' : ' but not answering yet'}`,
        paused: `Kafka${pid} is paused (SIGSTOP) on 127.0.0.1:${port}; it answers again once continued (kill -CONT ${status.pid})`,
        down: status.answering ? `a Kafka broker not started by stampede answers on 127.0.0.1:${port}` : `no Kafka on 127.0.0.1:${port}`,
      }[status.state];
      console.log(line);
      return status.state !== 'down' || status.answering ? 0 : 3;
    }
  }
}
