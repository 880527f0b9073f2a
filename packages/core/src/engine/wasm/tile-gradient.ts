import * as tf from "@tensorflow/tfjs";

/**
 * Tile's gradient as one reduction while the wasm backend runs. tfjs's own
 * adds up the tiles one slice at a time, 2 kernels per tile: a [1, 64]
 * layer-norm scale tiled over a batch of 256 costs 512 kernel calls (~20 ms
 * per training step). Viewed as [rep, size] pairs, dy sums over the rep axes
 * in one `Sum`. tfjs's gradient on other backends and for non-float dy.
 */
export function createTileGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.Tile,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const grad = dy as tf.Tensor;
      const { reps } = attrs as unknown as tf.TileAttrs;
      if (!x || grad.dtype !== "float32" || tf.getBackend() !== "wasm")
        return stock.gradFunc(dy, saved, attrs);
      return {
        x: () => {
          // [r0·s0, r1·s1, …] → [r0, s0, r1, s1, …] (repeated axes only), summed over the r's.
          const split: number[] = [];
          const repAxes: number[] = [];
          x.shape.forEach((size, i) => {
            const rep = reps[i] ?? 1;
            if (rep !== 1) {
              repAxes.push(split.length);
              split.push(rep);
            }
            split.push(size);
          });
          if (repAxes.length === 0) return grad.clone();
          return tf.sum(grad.reshape(split), repAxes).reshape(x.shape);
        },
      };
    },
  };
}
