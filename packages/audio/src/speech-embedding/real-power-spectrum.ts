import { Fft } from "./fft.js";

/**
 * |X[k]|², k = 0 … size/2, of a real signal of `size` samples, from one
 * complex FFT of half the size: even samples as real parts, odd samples as
 * imaginary parts, then the two half spectra separated and combined with
 * one twiddle per bin. About half the work of a full complex FFT; float64.
 */
export class RealPowerSpectrum {
  readonly size: number;
  private readonly half: Fft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
      throw new RangeError(`RealPowerSpectrum: size must be a power of two ≥ 4, got ${size}.`);
    }
    this.size = size;
    const m = size / 2;
    this.half = new Fft(m);
    this.re = new Float64Array(m);
    this.im = new Float64Array(m);
    this.cos = new Float64Array(m + 1);
    this.sin = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /** Writes the `size / 2 + 1` power values of `x` (`size` samples) into `out`. */
  transform(x: Float64Array, out: Float64Array): void {
    const { re, im, cos, sin } = this;
    const m = this.size / 2;
    for (let n = 0; n < m; n++) {
      re[n] = x[2 * n]!;
      im[n] = x[2 * n + 1]!;
    }
    this.half.transform(re, im);
    for (let k = 0; k <= m; k++) {
      const a = k % m;
      const b = (m - k) % m;
      // Spectrum of the even samples (E) and of the odd ones (O) at bin k.
      const er = (re[a]! + re[b]!) / 2;
      const ei = (im[a]! - im[b]!) / 2;
      const or = (im[a]! + im[b]!) / 2;
      const oi = (re[b]! - re[a]!) / 2;
      // X[k] = E + e^(−2πik/size)·O
      const xr = er + cos[k]! * or + sin[k]! * oi;
      const xi = ei + cos[k]! * oi - sin[k]! * or;
      out[k] = xr * xr + xi * xi;
    }
  }
}
