# The Flask app as mach-nix builds it: its Python environment (from the lock of requirements.txt)
# and a layered Docker image whose command serves it on port 8000.
#   m:        mach-nix.lib.<system>, or `import mach-nix { inherit pkgs; }`
#   pkgs:     the nixpkgs m is built with (for runCommand)
#   lockFile: what `mach-nix lock -r requirements.txt …` wrote (serve.sh writes one)
{ m, pkgs, lockFile }:
let
  env = m.mkPython {
    requirements = builtins.readFile ./requirements.txt;
    inherit lockFile;
  };
  # the application's code, at /app in the image
  app = pkgs.runCommand "flask-app" { } ''
    mkdir -p $out/app
    cp ${./app.py} $out/app/app.py
  '';
in
{
  inherit env app;
  # mach-nix's image of the environment, with the app added and `flask run` as its command;
  # the port is FLASK_RUN_PORT (Flask reads it), so `docker run -e FLASK_RUN_PORT=…` moves it
  image = env.dockerImage.override (old: {
    name = "flask-app";
    contents = old.contents ++ [ app ];
    config = {
      Cmd = [ "${env}/bin/flask" "--app" "/app/app.py" "run" "--host" "0.0.0.0" ];
      Env = [ "FLASK_RUN_PORT=8000" ];
      ExposedPorts."8000/tcp" = { };
    };
  });
}
