"""scikit-learn peers on BGL_20k 1 h windows for bench/bgl-peers.bench.ts.

Reads the template-count matrices that bench/bgl-peers.bench.ts wrote (raw little-endian float64,
shapes in manifest.json: the training windows and the test windows of the time-ordered 60/40 split),
and runs IsolationForest, OneClassSVM (nu 0.5, sklearn's default, and 0.1), PCA residual (SPE with
the Jackson-Mudholkar Q-statistic at alpha 0.001) and LocalOutlierFactor (novelty=True) on two
feature sets (raw counts and log1p counts, each standardised on the training windows). Each model
is decided by its own threshold and by the 0.03 quantile of its training scores (strict >), the
rules anomalog offers. One JSON object per (features, model, rule). Labels are read only for the metrics.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM

from sklearn_models import PcaSpe, load  # the same PCA residual and matrix reader as bench:models


def pca_spe(Xf, Xt):
    m = PcaSpe().fit(Xf)  # 95 % variance, Q-statistic at alpha 0.001: the peer of bench:models
    return m.score(Xf), m.score(Xt), m.threshold


def models(Xf, Xt):
    m = IsolationForest(n_estimators=100, max_samples=256, contamination="auto", random_state=42).fit(Xf)
    yield "IsolationForest", -m.score_samples(Xf), -m.score_samples(Xt), 0.5
    for nu in (0.5, 0.1):
        m = OneClassSVM(kernel="rbf", nu=nu, gamma="scale").fit(Xf)
        yield f"OneClassSVM(nu={nu})", -m.decision_function(Xf), -m.decision_function(Xt), 0.0
    f, t, own = pca_spe(Xf, Xt)
    yield "PCA residual", f, t, own
    m = LocalOutlierFactor(novelty=True).fit(Xf)
    # decision_function = score_samples - offset_; anomalous iff decision < 0.
    yield "LocalOutlierFactor", -m.decision_function(Xf), -m.decision_function(Xt), 0.0


def metrics(y, flagged):
    tp = int(np.sum(flagged & (y == 1)))
    fp = int(np.sum(flagged & (y == 0)))
    fn = int(np.sum(~flagged & (y == 1)))
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r > 0 else 0.0}


def main():
    d = sys.argv[1]
    man = json.load(open(os.path.join(d, "manifest.json")))
    raw_f = load(d, "fit.f64", man["fitRows"], man["cols"])
    raw_t = load(d, "test.f64", man["testRows"], man["cols"])
    y = np.fromfile(os.path.join(d, "labels.f64"), dtype="<f8").astype(int)
    for features, f in (("counts, standardised", lambda X: X), ("log1p counts, standardised", np.log1p)):
        scaler = StandardScaler().fit(f(raw_f))
        Xf, Xt = scaler.transform(f(raw_f)), scaler.transform(f(raw_t))
        for name, sf, st, own in models(Xf, Xt):
            auc = float(roc_auc_score(y, st))
            cont = float(np.quantile(sf, 1.0 - man["contamination"]))
            for rule, thr in (("own", own), ("contamination 0.03", cont)):
                out = {"engine": "scikit-learn " + sklearn.__version__, "model": name, "features": features, "rule": rule, "rocAuc": auc}
                out.update(metrics(y, st > thr))
                print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
