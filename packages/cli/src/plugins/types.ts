/**
 * The CLI drives plugins only through core's plugin contract; these are its
 * names for the contract's types.
 */
export type {
  CutSpec,
  LabelledInputs,
  PluginContract as CliPlugin,
  PluginOptions,
} from "@graft/core";
