"""weather-cli: prints the request it would send to a weather API for a city, and the version
of requests it runs with (it sends nothing: the example shows the console script running)."""
import sys

import requests

__version__ = "1.2.0"


def main() -> None:
    city = " ".join(sys.argv[1:]) or "Berlin"
    prepared = requests.Request("GET", "https://api.example.org/weather", params={"q": city}).prepare()
    print(f"weather-cli {__version__} with requests {requests.__version__}: GET {prepared.url}")
