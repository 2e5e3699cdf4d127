"""A small Flask app for Loadlens' tests, meant to run behind ONE synchronous gunicorn worker
(`gunicorn -w 1 single_worker_app:app`): every request waits for the one before it, the way many
Flask/Django deployments behave ("throughput plateaus at 1/S whatever the concurrency").

Endpoints (each does its work inside the single worker, so the work times add up):
  /health                 no work
  /work?ms=N              N ms of blocking work (default 20)
  /api/chefs?cuisine=X    10 ms of blocking work, a JSON list
  /cpu?ms=N               N ms of CPU-bound work (a busy loop on the worker's one core; default 20)
  /stats                  {"requests": N, "cpuSeconds": S}: requests served so far, /stats itself excluded, and the
                          worker's own CPU time (the test oracles)
  anything else           404
"""
import json
import threading
import random
import time

from flask import Flask, Response, request

app = Flask(__name__)
_lock = threading.Lock()
_served = 0


def _count():
    global _served
    with _lock:
        _served += 1


def _work(ms: float) -> None:
    # Blocking work that holds the (only) worker: a sleep, like a slow synchronous DB call.
    time.sleep(ms / 1000.0)


@app.after_request
def _after(response):
    if request.path != "/stats":
        _count()
    return response


@app.route("/health")
def health():
    return "ok"


@app.route("/work")
def work():
    ms = float(request.args.get("ms", "20"))
    # sigma > 0: the work varies per request (log-normal around ms), like a real endpoint's service time.
    sigma = float(request.args.get("sigma", "0"))
    if sigma > 0:
        ms *= random.lognormvariate(0.0, sigma)
    _work(ms)
    return f"worked {ms:g} ms"


@app.route("/cpu")
def cpu():
    # CPU-bound work: the worker computes for N ms of its own CPU time (not wall time), so it holds one core.
    ms = float(request.args.get("ms", "20"))
    until = time.thread_time() + ms / 1000.0
    n = 0
    while time.thread_time() < until:
        n += sum(i * i for i in range(200))
    return f"computed {n % 1000}"


@app.route("/api/chefs")
def chefs():
    _work(10)
    cuisine = request.args.get("cuisine", "any")
    body = json.dumps([{"name": f"chef {i}", "cuisine": cuisine} for i in range(5)])
    return Response(body, mimetype="application/json")


@app.route("/stats")
def stats():
    with _lock:
        # cpuSeconds: this worker's own CPU time (user + system), the oracle of the process monitor's tests.
        return Response(json.dumps({"requests": _served, "cpuSeconds": time.process_time()}), mimetype="application/json")
