export { attachProxyNetwork, startProxyNetwork, type ProxiedNodeNetwork, type ProxyNetworkOptions } from './client.js';
export { proxiedListeners } from './listeners.js';
export { proxyLiveness, type ProxyLiveness } from './liveness.js';
export type { NodeProxyState } from './proxy-network.js';
