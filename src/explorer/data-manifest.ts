/** The training data the page ships (made by build/data-plugin.ts), shared by the build and the page. */
export const EXPLORER_DATA = {
  mnist: { file: 'mnist-subset.bin.gz', counts: { train: 3000, val: 500, test: 500 } },
  text: { file: 'moby-dick-snippet.txt', maxCharacters: 300_000 },
} as const;

export interface ExplorerDataManifest {
  mnist: {
    file: string;
    counts: { train: number; val: number; test: number };
    /** Size of the gzip file. */
    bytes: number;
    rawBytes: number;
    source: string;
  };
  text: { file: string; characters: number; bytes: number; source: string };
}
