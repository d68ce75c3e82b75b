"""The anchor of `npm run bench`'s 10M case: what users do today with pandas + scikit-learn.
Reads the evaluation data (id,x,y) and two prediction files (id,score), merges them on id, computes
every binary metric model-gate reports (src/metrics/binary.ts) for the candidate, the baseline and the
no-skill model (DummyClassifier's prior: the positive rate), then K paired resamples with Poisson(1)
sample weights through the same sklearn functions. 200 resamples take hours, so K are timed and the
rest extrapolated linearly by the caller. Prints seconds as JSON.

    python3 scripts/bootstrap_reference_bench.py data.csv cand.csv base.csv K
"""
import json, sys, time

import numpy as np
import pandas as pd
from sklearn import metrics as skm


def all_metrics(y, score, w=None):
    pred = (score >= 0.5).astype(np.int8)
    return {
        "accuracy": skm.accuracy_score(y, pred, sample_weight=w),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred, sample_weight=w),
        "precision": skm.precision_score(y, pred, sample_weight=w, zero_division=0),
        "recall": skm.recall_score(y, pred, sample_weight=w, zero_division=0),
        "f1": skm.f1_score(y, pred, sample_weight=w, zero_division=0),
        "roc_auc": skm.roc_auc_score(y, score, sample_weight=w),
        "pr_auc": skm.average_precision_score(y, score, sample_weight=w),
        "log_loss": skm.log_loss(y, score, eps=1e-15, labels=[0, 1], sample_weight=w),
        "brier": skm.brier_score_loss(y, score, sample_weight=w),
        "example_count": len(y) if w is None else float(np.sum(w)),
    }


data_path, cand_path, base_path, k = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
t0 = time.perf_counter()
data = pd.read_csv(data_path)
cand = pd.read_csv(cand_path).rename(columns={"score": "cand"})
base = pd.read_csv(base_path).rename(columns={"score": "base"})
df = data.merge(cand, on="id", how="inner").merge(base, on="id", how="inner")
t1 = time.perf_counter()
y = df["y"].to_numpy()
models = {
    "candidate": df["cand"].to_numpy(),
    "baseline": df["base"].to_numpy(),
    "dummy": np.full(len(y), y.mean()),
}
point = {name: all_metrics(y, s) for name, s in models.items()}
t2 = time.perf_counter()
rng = np.random.default_rng(0)
per = []
for _ in range(k):
    s0 = time.perf_counter()
    w = rng.poisson(1.0, len(y))
    for s in models.values():
        all_metrics(y, s, w)
    per.append(time.perf_counter() - s0)
print(json.dumps({
    "rows": len(y), "read": t1 - t0, "metrics": t2 - t1, "resamples": k, "per_resample": per,
    "auc": point["candidate"]["roc_auc"],
}))
