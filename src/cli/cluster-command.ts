import { readCluster, startCluster, stopCluster, type NetworkKind } from '../broker/cluster.js';
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
      if (json) console.log(JSON.stringify(status, null, 2));
      else for (const line of renderClusterStatus(status)) console.log(line);
      return status.nodes.some((node) => node.state === 'up') ? 0 : 3;
    }
  }
}
