// @strata/core: the pure domain (no I/O). Each area exports from its own folder.
export {};
