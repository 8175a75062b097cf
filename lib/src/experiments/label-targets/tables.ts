/**
 * Notebook 01's tables: each function gives the rows and the caption (and digits) one table shows,
 * as the arguments of `show.table` (`show.table(...X.targetTable(results, test))`).
 */
import { points } from "../../core";
import type { ImageDataset } from "../../data";
import type { Config } from "./config";
import { SPREAD_CLASSES_SHOWN, type ClassGapSummary } from "./report";
import type { PairingCheck } from "./sources";
import type { LabelStructure } from "./structure";
import type { TargetEffect, TargetRunResult } from "./target-runs";
import type { OneHotOnUnseen, ZeroShotData, ZeroShotRun } from "./zero-shot-experiment";
import type { GzslReport } from "./gzsl";

/** A table's rows and options, in `show.table`'s argument order. */
export type Table = [rows: Record<string, unknown>[], options: { caption: string; digits?: number }];

/** The settings of this run in one row. */
export function settingsTable(profile: string, cfg: Config): Table {
  const row = {
    profile,
    dataset: cfg.dataset,
    model: cfg.arch,
    runs: cfg.runs.map((r) => `${r.name} (lr ${r.peakLr ?? cfg.peakLr})`).join(", "),
    epochs: cfg.epochs,
    zeroShotEpochs: cfg.zeroShotEpochs,
    batch: cfg.batchSize,
    schedule: cfg.schedule,
    centring: cfg.center,
    regression_space: cfg.regressionSpace,
  };
  return [[row], { caption: "Settings of this run" }];
}

/** Section 1: each label source's within / across-group cosines and the range of its pairwise cosines. */
export function structureTable(s: LabelStructure, dataset: "cifar10" | "cifar100"): Table {
  const caption =
    dataset === "cifar100"
      ? "CIFAR-100 label vectors: mean cosine within vs across superclasses (100 classes, 20 superclasses)"
      : "CIFAR-10 label vectors: mean cosine within vs across animal/vehicle, and the range of all pairwise cosines";
  return [s.rows.map((r) => ({ ...r })), { caption, digits: 3 }];
}

/** The train and test images: count, classes, where they came from. */
export function imageTable(d: { train: ImageDataset; test: ImageDataset }): Table {
  const rows = [d.train, d.test].map((ds) => ({
    split: ds === d.train ? "train" : "test",
    images: ds.n,
    classes: ds.classNames.length,
    source: ds.source.note ?? "",
  }));
  return [rows, { caption: "Images" }];
}

/** Section 2: one row per run (test accuracy with its CI, training wall time). */
export function targetTable(results: readonly TargetRunResult[], test: Pick<ImageDataset, "n">): Table {
  const rows = results.map((r) => ({
    run: r.run,
    target: r.kind,
    source: r.source,
    test_accuracy: r.accuracy.estimate,
    ci_low: r.accuracy.lo,
    ci_high: r.accuracy.hi,
    train_s: r.trainSeconds,
  }));
  return [
    rows,
    {
      caption: `Test accuracy on ${test.n} test images (95 % bootstrap CI); train_s is wall time with the other trainings running alongside`,
      digits: 3,
    },
  ];
}

/** Section 2: each embedding run minus one-hot in points, split by the control where there is one. */
export function effectTable(effects: readonly TargetEffect[]): Table {
  const rows = effects.map((e) => ({
    run: e.run,
    minus_onehot_points: points(e.vsOnehot),
    loss_part: e.lossEffect === undefined ? "" : points(e.lossEffect),
    targets_part: e.targetEffect === undefined ? "" : points(e.targetEffect),
  }));
  return [
    rows,
    {
      caption:
        "Accuracy minus one-hot (points); where a control run of the same loss exists, split into the loss's part (control − one-hot) and the language-model targets' part (run − control)",
    },
  ];
}

/** Section 2: per embedding run, the rank correlations of its class gaps and its largest losses. */
export function classGapTable(gaps: readonly ClassGapSummary[]): Table {
  return [
    gaps.map((g) => ({ ...g })),
    {
      caption:
        "Per run: rank correlation of a class's accuracy difference to one-hot with its nearest-target cosine (negative = close targets lose more) and with one-hot's accuracy on that class (positive = hard classes lose more); its three largest losses",
      digits: 2,
    },
  ];
}

/** Section 3: one zero-shot run (end to end or a probe) in one row. */
export function zeroShotRow(r: ZeroShotRun, how: string): Record<string, unknown> {
  return {
    source: r.source,
    how,
    unseen_top1: r.unseen.top1.estimate,
    ci_low: r.unseen.top1.lo,
    ci_high: r.unseen.top1.hi,
    chance: r.unseen.chanceTop1,
    ...(r.unseen.top5 ? { unseen_top5: r.unseen.top5.estimate, chance_top5: r.unseen.chanceTop5 } : {}),
    generalized: r.generalized.estimate,
    generalized_unseen: r.generalizedUnseen,
    seen_only: r.seenOnly.estimate,
  };
}

/** Section 3: the end-to-end zero-shot CNN, with the split it was evaluated on. */
export function zeroShotTable(r: ZeroShotRun, d: ZeroShotData): Table {
  const cls = d.test.classNames;
  return [
    [zeroShotRow(r, "end to end")],
    {
      caption: `Zero-shot, unseen = ${d.unseen.map((c) => cls[c]).join(", ")} (${d.unseenImages.n} unseen images, ${d.trainSeen.n} seen training images)`,
      digits: 3,
    },
  ];
}

/** Section 3: one row per label source's linear probe. */
export function probeTable(probes: readonly ZeroShotRun[]): Table {
  return [
    probes.map((r) => zeroShotRow(r, "probe")),
    {
      caption: "Zero-shot per label source: linear emb_ce projection on frozen features (95 % CI on unseen top-1)",
      digits: 3,
    },
  ];
}

/** Section 3: where a one-hot classifier sends each unseen class's images (the seen classes it picks most, in whole percent). */
export function oneHotTable(oh: OneHotOnUnseen, d: ZeroShotData): Table {
  const cls = d.test.classNames;
  const rows = d.unseen.map((u) => {
    const top = oh.spread
      .filter((s) => s.unseenClass === u)
      .sort((a, b) => b.fraction - a.fraction)
      .slice(0, SPREAD_CLASSES_SHOWN);
    return {
      unseen_class: cls[u],
      accuracy: 0,
      predicted_as: top.map((r) => `${cls[r.predicted]} ${(100 * r.fraction).toFixed(0)} %`).join(", "),
    };
  });
  return [
    rows,
    {
      caption: `One-hot (seen-only softmax): unseen accuracy ${oh.unseenAccuracy.toFixed(3)}; seen-only test accuracy ${oh.seenOnly.estimate.toFixed(3)}`,
    },
  ];
}

/** The original's file-order pairing vs by-name pairing. */
export function pairingTable(pairing: readonly PairingCheck[]): Table {
  return [pairing.map((p) => ({ ...p })), { caption: "Original (file-order) vs by-name pairing" }];
}

/** Wall time per section. */
export function durationsTable(durations: Readonly<Record<string, number>>): Table {
  return [
    Object.entries(durations).map(([section, seconds]) => ({ section, seconds })),
    { caption: "Wall time per section", digits: 1 },
  ];
}

/** Section 3's GZSL summary: seen / unseen accuracy and H over all classes without and with calibrated stacking, beside unseen-only top-1. */
export function gzslTable(g: GzslReport, unseen: ZeroShotRun["unseen"]): Table {
  const row = (how: string, gamma: number, s: GzslReport["calibrated"]) => ({
    scoring: how,
    gamma,
    seen_acc: s.seen,
    unseen_acc: s.unseen,
    harmonic_mean: s.h,
    unseen_only_top1: unseen.top1.estimate,
  });
  return [
    [
      row("all classes, no calibration", 0, g.uncalibrated),
      row("all classes, calibrated stacking", g.gamma, g.calibrated),
    ],
    {
      caption:
        "Generalized zero-shot on the test split (mean per-class accuracy over seen / unseen classes' images, every image among all classes; H = harmonic mean). Unseen-only top-1 ranks unseen classes only, so γ cannot change it",
      digits: 3,
    },
  ];
}

/** How γ was chosen: the pseudo-unseen simulation on the seen classes' training images. */
export function gammaSelectionTable(g: GzslReport, classNames: readonly string[]): Table {
  const s = g.selection;
  return [
    [
      {
        pseudo_unseen: s.pseudoUnseen.map((c) => classNames[c]).join(", "),
        pseudo_seen: s.pseudoSeen.map((c) => classNames[c]).join(", "),
        fit_images: s.fitImages,
        validation_images: s.validationImages,
        h_at_gamma_0: s.uncalibrated.h,
        gamma: s.gamma,
        h_at_gamma: s.calibrated.h,
        seen_at_gamma: s.calibrated.seen,
        unseen_at_gamma: s.calibrated.unseen,
      },
    ],
    { caption: "Choosing γ on the seen classes' training images only (pseudo-unseen simulation)", digits: 3 },
  ];
}
