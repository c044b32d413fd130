/**
 * The Open API calls one server process answered (`KLSRV_ST_GUI_CALLS_CNT`): every call that reached a method
 * handler, answered with a result or a KSC error. Kept in memory: a new process starts from zero, as KSC's does.
 */
export class CallCounter {
  #answered = 0;

  get answered(): number {
    return this.#answered;
  }

  count(): void {
    this.#answered++;
  }
}
