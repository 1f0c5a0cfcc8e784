import { networkControlFile, readCluster, startCluster, stopCluster, type NetworkKind } from '../broker/cluster.js';
import { proxyLiveness } from '../netproxy/index.js';
import { clusterStatus, renderClusterStatus } from '../broker/cluster-status.js';
import { optionValue } from '../options/values.js';

/** `stampede cluster up|down|status`: the local N-node KRaft cluster on loopback. */
export async function clusterCommand(action: string, argv: Record<string, unknown>): Promise<number> {
  const port = optionValue('cluster', 'port', argv) as number;
  switch (action) {
    case 'up': {
      const nodes = optionValue('cluster', 'nodes', argv) as number;
      const heapMb = optionValue('cluster', 'heap-mb', argv) as number;
      const network = optionValue('cluster', 'network', argv) as NetworkKind;
      const cluster = await startCluster({ nodes, port, heapMb, network, log: (line) => console.log(line) });
      console.log(`${cluster.alreadyRunning ? 'cluster already up' : 'cluster up'}: ${cluster.nodes.length} nodes, ${cluster.network} network, bootstrap ${cluster.bootstrap} (data in ${cluster.dir})`);
      return 0;
    }
    case 'down': {
      const outcome = await stopCluster(port, optionValue('cluster', 'remove-data', argv) as boolean);
      console.log(outcome === 'stopped' ? `cluster on port ${port} stopped` : `no local cluster started by stampede on port ${port}`);
      return 0;
    }
    default: {
      const cluster = readCluster(port);
      const json = optionValue('cluster', 'json', argv) as boolean;
      if (cluster === undefined) {
        if (json) console.log(JSON.stringify({ running: false, port }));
        else console.log(`no local cluster set up on port ${port} (start one with: stampede cluster up --port ${port})`);
        return 3;
      }
      const status = await clusterStatus(cluster);
      // Behind the proxies, nodes that run are still out of reach when the proxy process is gone.
      const proxies = cluster.network === 'proxy' ? await proxyLiveness(networkControlFile(cluster.dir)) : undefined;
      if (json) console.log(JSON.stringify(proxies ? { ...status, proxies } : status, null, 2));
      else {
        for (const line of renderClusterStatus(status)) console.log(line);
        if (proxies?.state === 'down') console.log(`network proxies down: ${proxies.why}; clients cannot reach the nodes (stampede cluster up --port ${port} --network proxy starts them again)`);
      }
      return status.nodes.some((node) => node.state === 'up') && proxies?.state !== 'down' ? 0 : 3;
    }
  }
}
