/** How a read is made when its answer must survive a failover. */
export type ReadOptions = { readConcern: { level: 'majority' } };

/** Data a majority of the replica set has: a failover cannot roll it back (src/store/README.md). */
export const MAJORITY: ReadOptions = { readConcern: { level: 'majority' } };
