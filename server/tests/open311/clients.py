"""Drives a running server with two independently written Open311 GeoReport v2 clients from
PyPI (requirements.txt): `georeport` reads in JSON and XML, `civicbot` posts (it has the
POST that georeport lacks) and reads tokens. Run by server/tests/it/open311.rs:

    python3 clients.py BASE_URL API_KEY TOKEN_CODE

BASE_URL ends in /open311/v2; TOKEN_CODE is the 查询码 the Rust test made with the token
"rust-token-1". Prints one line per check; any failure raises (non-zero exit).
"""

import sys
from datetime import datetime, timedelta, timezone

import requests
from civicbot.http import HttpError, HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport

base, key, token_code = sys.argv[1], sys.argv[2], sys.argv[3]
as_json = GeoReport(base, output_format="json")
as_xml = GeoReport(base, output_format="xml")
endpoint = Endpoint(id="jiexiang", name="街巷随手拍", base_url=base, write=True)
civic = Open311Client(endpoint, HttpTransport(rate_limiter=RateLimiter(min_interval=0)))


def check(what, ok, detail=""):
    if not ok:
        raise AssertionError(f"{what}: {detail}")
    print(f"ok  {what}")


def as_list(x):
    """xmltodict gives one element as a dict, several as a list."""
    return x if isinstance(x, list) else [x]


# ---- services, both formats ----
services = as_json.get_service_list()
codes = {s["service_code"] for s in services}
check("services.json lists the categories", "exposed_garbage" in codes, codes)
garbage = next(s for s in services if s["service_code"] == "exposed_garbage")
check("a service has its name and group", garbage["service_name"] == "暴露垃圾"
      and garbage["group"] == "环境卫生" and garbage["metadata"] is False
      and garbage["type"] == "realtime", garbage)
xml_services = as_list(as_xml.get_service_list())
check("services.xml lists the same codes", {s["service_code"] for s in xml_services} == codes)
check("services.xml writes booleans as the standard does",
      next(s for s in xml_services if s["service_code"] == "exposed_garbage")["metadata"] == "false")
definition = as_json.get_service_definition("exposed_garbage")
check("a definition names its service", definition["service_code"] == "exposed_garbage", definition)
check("civicbot reads the same list", {s["service_code"] for s in civic.list_services()} == codes)

# ---- a request posted with the key, read back ----
form = dict(address_string="开封市龙亭区韩营一巷 12 号门口", description="巷口垃圾两天没人清理",
            email="reporter@example.com", first_name="王", last_name="师傅", phone="13800138000",
            media_url="https://example.com/p/1.jpg")
sent = civic.create_request("exposed_garbage", dry_run=False, confirm="SEND", api_key=key, **form)
answer = sent.response
check("POST answers a list of one", isinstance(answer, list) and len(answer) == 1, answer)
code = answer[0]["service_request_id"]
check("POST gives a service_request_id and a notice", len(code) == 8 and answer[0]["service_notice"], answer)
again = civic.create_request("exposed_garbage", dry_run=False, confirm="SEND", api_key=key, **form)
check("the same content again is the same request (no second report)",
      again.response[0]["service_request_id"] == code, again.response)

one = as_json.get_service_request(code)
check("requests/{id}.json reads it back", one["service_request_id"] == code
      and one["status"] == "open" and one["service_code"] == "exposed_garbage", one)
check("it landed in the street's office", one["agency_responsible"] == "太昊路办事处"
      and "韩营一巷" in one["address"], one)
check("its dates are zoned W3C", one["requested_datetime"].endswith("+08:00"), one)
public_text = requests.get(f"{base}/requests/{code}.json", timeout=10).text
for secret in ("reporter@example.com", "13800138000", "师傅"):
    check(f"a public read never shows {secret}", secret not in public_text)
xml_one = as_xml.get_service_request(code)
check("requests/{id}.xml reads the same", xml_one["service_request_id"] == code
      and xml_one["status"] == "open" and xml_one["agency_responsible"] == "太昊路办事处", xml_one)
check("civicbot reads it too", civic.get_request(code)["service_request_id"] == code)

# ---- filters: status and dates ----
now = datetime.now(timezone.utc)
start = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
end = (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
open_now = as_json.get_service_requests(status="open", start_date=start, end_date=end)
check("status=open within the dates finds it", code in {r["service_request_id"] for r in open_now})
closed = as_json.get_service_requests(status="closed", start_date=start, end_date=end)
check("status=closed does not", code not in {r["service_request_id"] for r in closed})
old = as_json.get_service_requests(start_date="2020-01-01T00:00:00+08:00",
                                   end_date="2020-02-01T00:00:00+08:00")
check("a window before it finds nothing", old == [], old)
xml_open = as_list(as_xml.get_service_requests(status="open", service_code="exposed_garbage"))
check("requests.xml with filters finds it", code in {r["service_request_id"] for r in xml_open})
by_id = as_json.get_service_requests(service_request_id=f"{code},{token_code}")
check("service_request_id lists both", {r["service_request_id"] for r in by_id} == {code, token_code})

# ---- tokens ----
tok = civic.get_token("rust-token-1")
check("tokens/{token} names the request", tok[0]["service_request_id"] == token_code, tok)

# ---- errors in the standard's shape ----
try:
    civic.create_request("exposed_garbage", dry_run=False, confirm="SEND", api_key="jx_wrong", **form)
    raise AssertionError("a wrong key was accepted")
except HttpError as e:
    check("a wrong key is 403 with an Open311 error", e.status == 403 and '"code":403' in e.body, e.body)
try:
    as_json.get_service_requests(start_date="yesterday")
    raise AssertionError("a bad date was accepted")
except requests.HTTPError as e:
    body = e.response.json()
    check("a bad date is 400 with an Open311 error", e.response.status_code == 400
          and body[0]["code"] == 400 and body[0]["description"], body)
try:
    as_xml.get_service_definition("no_such_service")
    raise AssertionError("an unknown service was found")
except requests.HTTPError as e:
    check("an unknown service is 404 in XML", e.response.status_code == 404
          and "<errors><error><code>404</code>" in e.response.text, e.response.text)
print("all checks passed")
