/**
 * A judge leaf's recorded verdict as the kernel state keeps it (apart from judgement.ts, which
 * reads the state: the state's type imports this file, so it imports nothing).
 */

/** What the run recorded of one judge leaf's latest verdict (state `judged`, from `goal.judged`). */
export interface Judgement {
  /** The subject version judged: a verdict about an older text does not hold for a newer one. */
  version: number;
  /**
   * `pass` / `fail`: the model said so (`by: 'model'`); `fallback`: the model runs on the sim CPU
   * and the declared offline fallback is evaluated instead; `error`: no verdict (why in `reason`).
   */
  verdict: 'pass' | 'fail' | 'fallback' | 'error';
  /** The model's one-line reason, the error message (with its fix), or what the fallback means. */
  reason: string;
  /** seq of the `goal.judged` event. */
  seq: number;
}
