"""Population values of the simulation in test/analysis/simulate-verdicts.ts (issue 15's detection case).

Binary: z ~ N(0, 1.1^2), y ~ Bernoulli(sigmoid(z)), a model's score sigmoid(z + s * eps). The baseline
has s = 0.31, the candidate s = 0.54. Prints ROC AUC and log loss of each on 400,000 rows (sklearn 1.2.1).
Run: /usr/bin/python3 scripts/verdict_sim_reference.py
"""
import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

rng = np.random.default_rng(0)
n = 400_000
z = rng.normal(0, 1.1, n)
y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
for name, s in [("baseline", 0.31), ("candidate", 0.54)]:
    p = 1 / (1 + np.exp(-(z + s * rng.normal(size=n))))
    print(f"{name}: roc_auc {roc_auc_score(y, p):.4f}, log_loss {log_loss(y, p):.4f}")
