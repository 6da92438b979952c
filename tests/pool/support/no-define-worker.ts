// A worker module that forgets to call defineWorker(): it loads, has nothing to wait for, and ends.
export {};
