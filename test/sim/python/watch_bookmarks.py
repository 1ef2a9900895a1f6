# watch=True&allowWatchBookmarks=True (as this client spells them) must start a watch, not
# answer a list: the stream stays open, carries ADDED events, a BOOKMARK with a
# resourceVersion, and a change made while it is open.
import threading
import time

from common import check, client, load, report, watch

api = load()
core = client.CoreV1Api(api)
ns = "default"
cms = core.list_namespaced_config_map(ns)
rv = cms.metadata.resource_version
check(rv, "a list carries a resourceVersion")


def later():
    time.sleep(0.5)
    core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-watch-cm"), data={"a": "1"}))


threading.Thread(target=later, daemon=True).start()
w = watch.Watch()
seen = []
bookmarks = []
start = time.time()
for ev in w.stream(core.list_namespaced_config_map, ns, resource_version=rv, allow_watch_bookmarks=True, timeout_seconds=10):
    seen.append((ev["type"], ev["object"].metadata.name if ev["type"] != "BOOKMARK" else None))
    if ev["type"] == "BOOKMARK":
        bookmarks.append(ev["raw_object"]["metadata"]["resourceVersion"])
    if bookmarks and any(n == "py-watch-cm" for _, n in seen):
        w.stop()
    if time.time() - start > 8:
        break
check(("ADDED", "py-watch-cm") in seen, f"the watch saw the new configmap: {seen}")
check(len(bookmarks) > 0, f"bookmarks arrived: {seen}")
check(int(bookmarks[-1]) >= int(rv), "a bookmark carries a resourceVersion no older than the list")
report(events=seen, bookmarks=bookmarks, listRv=rv, seconds=round(time.time() - start, 2))
