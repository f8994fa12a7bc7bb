"""scikit-learn peers for `npm run bench:models` (bench/models.bench.ts).

Reads the feature matrices that bench/models.bench.ts wrote (raw little-endian float64, shapes in
manifest.json), runs scikit-learn's IsolationForest, OneClassSVM and PCA (residual / SPE with the
Jackson-Mudholkar Q-statistic) on exactly the same rows, and prints one JSON object per
(feature set, protocol, model) with scores-derived F1 (the model's own threshold and the same
contamination quantile rule anomalog uses), ROC-AUC and fit/score wall time.
Labels are read only to compute the metrics.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from statistics import NormalDist
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
from sklearn.svm import OneClassSVM


def load(d, name, rows, cols):
    return np.fromfile(os.path.join(d, name), dtype="<f8").reshape(rows, cols)


def q_statistic(residual_eigs, alpha):
    t1, t2, t3 = (float(np.sum(residual_eigs ** k)) for k in (1, 2, 3))
    if t1 <= 0 or t2 <= 0:
        return 0.0
    h0 = 1.0 - 2.0 * t1 * t3 / (3.0 * t2 * t2)
    if abs(h0) < 1e-12:
        h0 = 1e-12
    ca = NormalDist().inv_cdf(1.0 - alpha)
    inner = ca * np.sqrt(2.0 * t2 * h0 * h0) / t1 + 1.0 + t2 * h0 * (h0 - 1.0) / (t1 * t1)
    return float(t1 * max(inner, 0.0) ** (1.0 / h0))


class PcaSpe:
    """PCA residual model: keep components up to 95 % variance; score = squared prediction error."""

    def __init__(self, variance=0.95, alpha=0.001):
        self.variance, self.alpha = variance, alpha

    def fit(self, X):
        self.pca = PCA(n_components=self.variance, svd_solver="full").fit(X)
        full = PCA(svd_solver="full").fit(X)
        k = self.pca.n_components_
        self.threshold = q_statistic(full.explained_variance_[k:], self.alpha)
        return self

    def score(self, X):
        R = X - self.pca.inverse_transform(self.pca.transform(X))
        return np.sum(R * R, axis=1)


def run_model(name, Xf, Xt, y, contamination):
    t0 = time.perf_counter()
    if name == "if":
        m = IsolationForest(n_estimators=100, max_samples=256, contamination="auto", random_state=42).fit(Xf)
        t1 = time.perf_counter()
        s = -m.score_samples(Xt)
        own = 0.5  # contamination='auto': anomalous iff the paper's score 2^(-E[h]/c) > 0.5
        train = -m.score_samples(Xf)
    elif name == "ocsvm":
        m = OneClassSVM(kernel="rbf", nu=0.5, gamma="scale").fit(Xf)
        t1 = time.perf_counter()
        s = -m.decision_function(Xt)
        own = 0.0
        train = -m.decision_function(Xf)
    else:
        m = PcaSpe().fit(Xf)
        t1 = time.perf_counter()
        s = m.score(Xt)
        own = m.threshold
        train = m.score(Xf)
    t2 = time.perf_counter()
    cont = float(np.quantile(train, 1.0 - contamination))
    out = {"fitMs": (t1 - t0) * 1e3, "scoreMs": (t2 - t1) * 1e3, "rocAuc": float(roc_auc_score(y, s))}
    for rule, thr in (("own", own), ("contamination", cont)):
        p = s > thr
        out[rule] = {
            "precision": float(precision_score(y, p, zero_division=0)),
            "recall": float(recall_score(y, p, zero_division=0)),
            "f1": float(f1_score(y, p, zero_division=0)),
        }
    return out


def main():
    d = sys.argv[1]
    man = json.load(open(os.path.join(d, "manifest.json")))
    for job in man["jobs"]:
        Xf = load(d, job["fit"], job["fitRows"], job["cols"])
        Xt = load(d, job["test"], job["testRows"], job["cols"])
        y = np.fromfile(os.path.join(d, man["labels"]), dtype="<f8").astype(int)
        for name in job["models"]:
            runs = 1 if name == "ocsvm" else man["repeats"]
            results = [run_model(name, Xf, Xt, y, man["contamination"]) for _ in range(runs)]
            r = results[-1]
            r["fitMs"] = float(np.median([x["fitMs"] for x in results]))
            r["scoreMs"] = float(np.median([x["scoreMs"] for x in results]))
            r["runs"] = runs
            r.update({"features": job["features"], "protocol": job["protocol"], "model": name, "engine": "scikit-learn " + sklearn.__version__})
            print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
