// The rule format moved to ../shared/faults.ts (the Visma simulator uses it too); this path
// stays because the fault suite in scripts/ imports the rule schema from here.
export * from "../shared/faults.js";
