"""The ceiling: a bare Flask application answering « hello », served by gunicorn with
the same settings as Consult in the same benchmark run."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
