"""A small Flask app for Loadlens' tests, meant to run behind ONE synchronous gunicorn worker
(`gunicorn -w 1 single_worker_app:app`): every request waits for the one before it, the way many
Flask/Django deployments behave ("throughput plateaus at 1/S whatever the concurrency").

Endpoints (each does its work inside the single worker, so the work times add up):
  /health                 no work
  /work?ms=N              N ms of blocking work (default 20)
  /api/chefs?cuisine=X    10 ms of blocking work, a JSON list
  /stats                  {"requests": N}: requests served so far, /stats itself excluded (the test oracle)
  anything else           404
"""
import json
import threading
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
    _work(ms)
    return f"worked {ms:g} ms"


@app.route("/api/chefs")
def chefs():
    _work(10)
    cuisine = request.args.get("cuisine", "any")
    body = json.dumps([{"name": f"chef {i}", "cuisine": cuisine} for i in range(5)])
    return Response(body, mimetype="application/json")


@app.route("/stats")
def stats():
    with _lock:
        return Response(json.dumps({"requests": _served}), mimetype="application/json")
