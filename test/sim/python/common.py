# Shared set-up of the python scenarios: the official client (Debian's python3-kubernetes)
# loaded from the simulator's kubeconfig, and a check() that fails the scenario loudly.
import json
import os
import sys

from kubernetes import client, config, watch  # noqa: F401  (re-exported for the scenarios)


def load():
    config.load_kube_config(config_file=os.environ["KUBECONFIG"])
    return client.ApiClient()


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def report(**facts):
    # One JSON line on stdout: what the vitest side asserts on.
    print(json.dumps(facts, default=str))


def wait_for(fn, what, timeout=10.0, step=0.05):
    # Polls fn() until it returns something truthy; fails the scenario after `timeout` seconds.
    import time
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(step)
    check(False, f"timed out waiting for {what}")


def exists(read, *args):
    from kubernetes.client.rest import ApiException
    try:
        return read(*args)
    except ApiException as e:
        if e.status == 404:
            return None
        raise


if os.environ.get("KUBE_SIM_TRACE_AFTER"):
    # Debugging a scenario that hangs: print every thread's stack after this many seconds.
    import faulthandler
    faulthandler.dump_traceback_later(float(os.environ["KUBE_SIM_TRACE_AFTER"]), exit=True)
