"""The side of `npm run bench`'s drift comparison that users run today: pandas reads both CSVs,
then scipy's KS and Wasserstein and a numpy PSI per feature. Prints seconds as JSON."""
import json, sys, time

import numpy as np
import pandas as pd
from scipy import stats

t0 = time.perf_counter()
ref = pd.read_csv(sys.argv[1])
cur = pd.read_csv(sys.argv[2])
t1 = time.perf_counter()
for c in ref.columns:
    a = ref[c].dropna().to_numpy()
    b = cur[c].dropna().to_numpy()
    stats.ks_2samp(a, b)
    stats.wasserstein_distance(a, b)
    edges = np.histogram_bin_edges(np.concatenate([a, b]), bins="sturges")
    p = np.histogram(a, edges)[0] / len(a)
    q = np.histogram(b, edges)[0] / len(b)
    p = np.where(p == 0, 1e-4, p)
    q = np.where(q == 0, 1e-4, q)
    float(np.sum((p - q) * np.log(p / q)))
t2 = time.perf_counter()
print(json.dumps({"read": t1 - t0, "tests": t2 - t1, "total": t2 - t0}))
