from syndicator.cli import app

app(prog_name="syndicator")
