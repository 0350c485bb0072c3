"""The seed's web application: a greeting, and a city's weather from a weather API.

The API's base URL and key come from the environment (WEATHER_API_URL, WEATHER_API_KEY), so the
same code runs against a real service or the fake one the tests start on 127.0.0.1. Every error is
a JSON answer with a status that says whose fault it is: 400 for a request without a city, 500 when
the app is not configured, 502 when the weather service fails or answers something that is not JSON.
"""
import os

import requests
from flask import Flask, jsonify, request

app = Flask(__name__)

# seconds to wait for the weather service before answering 502
TIMEOUT = 10


@app.get("/")
def hello():
    return "Hello, world!"


@app.get("/weather")
def weather():
    city = request.args.get("city", "").strip()
    if not city:
        return jsonify(error="missing query parameter: city (e.g. /weather?city=Berlin)"), 400
    base_url = os.environ.get("WEATHER_API_URL")
    api_key = os.environ.get("WEATHER_API_KEY")
    if not base_url or not api_key:
        return jsonify(error="the weather service is not configured: set WEATHER_API_URL and WEATHER_API_KEY"), 500
    try:
        upstream = requests.get(
            base_url.rstrip("/") + "/weather",
            params={"q": city, "appid": api_key},
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        return jsonify(error=f"the weather service cannot be reached: {error.__class__.__name__}"), 502
    if upstream.status_code != 200:
        return jsonify(error=f"the weather service answered {upstream.status_code}", city=city), 502
    try:
        return jsonify(upstream.json())
    except ValueError:
        return jsonify(error="the weather service answered something that is not JSON", city=city), 502
