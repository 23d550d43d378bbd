import type { Backend } from '../api/backend.js';
import type { Cluster } from '../api/types.js';
import { Resource } from './resource.svelte.js';

/** The Clusters screen: each cluster with its activity stream. */
export class ClustersState {
  readonly list: Resource<Cluster[]>;

  constructor(backend: Backend) {
    this.list = new Resource(() => backend.api.listClusters());
  }
}
