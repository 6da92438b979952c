// An inline worker module that defines its handlers at once.
import { defineWorker } from "../../../worker.ts";

defineWorker({ who: (): string => "soon" });
