export { confusionMatrix } from "./confusion-matrix.js";
export { classificationReport, classMetrics, macroAverages } from "./classification-report.js";
export type { ClassificationReport, ClassMetrics } from "./classification-report.js";
export { auc, oneVsRestRoc, rocCurve } from "./roc.js";
export type { RocCurve } from "./roc.js";
export { evaluatePredictions } from "./evaluate-predictions.js";
export type { ClassRoc, EvaluateOptions, EvaluationReport } from "./evaluate-predictions.js";
