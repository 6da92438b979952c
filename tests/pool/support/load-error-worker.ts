// A worker module that throws as it loads: every worker started from it fails to start.
export {};

throw new Error("the worker module failed to load");
