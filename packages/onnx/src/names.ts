/** Turns ONNX node names into valid, unique TF.js layer names. */
export class LayerNames {
  private readonly used = new Set<string>();

  /** `model/conv2d/Conv2D` → `model_conv2d_Conv2D`; a clash gets `_2`, `_3`, … */
  take(base: string): string {
    let name = sanitize(base);
    if (this.used.has(name)) {
      let i = 2;
      while (this.used.has(`${name}_${i}`)) i++;
      name = `${name}_${i}`;
    }
    this.used.add(name);
    return name;
  }
}

/** TF.js accepts [A-Za-z0-9][-A-Za-z0-9._]* safely as a layer and weight name. */
export function sanitize(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[^A-Za-z0-9]+/, "");
  return cleaned.length > 0 ? cleaned : "onnx";
}
