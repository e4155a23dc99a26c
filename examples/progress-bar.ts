// A progress bar drawn from onProgress: redrawn in place on a terminal, and a
// plain line per 25 % otherwise (a CI log, a pipe), so logs stay readable.
const WIDTH = 30;

export interface ProgressBar {
  /** `fraction`: 0..1 done. */
  update(fraction: number): void;
  /** The end: the bar full (or where it stopped) and a note. */
  done(note: string): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stdout): ProgressBar {
  let last = -1;
  let fraction = 0;
  const draw = () => {
    const filled = Math.round(fraction * WIDTH);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.round(fraction * 100)).padStart(3)} %`;
  };
  return {
    update(value) {
      fraction = Math.min(1, Math.max(0, value));
      if (stream.isTTY) {
        stream.write(`\r${draw()}`);
      } else {
        const quarter = Math.floor(fraction * 4);
        if (quarter > last) {
          last = quarter;
          stream.write(`${draw()}\n`);
        }
      }
    },
    done(note) {
      stream.write(stream.isTTY ? `\r${draw()} ${note}\n` : `${label}: ${note}\n`);
    },
  };
}
