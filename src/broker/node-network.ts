/**
 * How the nodes of a local cluster are reached. A local cluster binds each node's broker and
 * controller listeners where `listenersFor` says and advertises the other address to clients and
 * peers, so a network layer placed between them (a TCP proxy per listener) can delay or cut one
 * node off without touching the others. The direct network binds and advertises the same address:
 * no layer in between, no network faults possible.
 */
export type { NodeAddress, NodeEndpoint, NodeListeners, NodeNetwork } from '../netproxy/types.js';
