"""Cost of parsing JavaScript sources (``--sources``, issue 12): N generated form scripts.

Each file is a form script of about 70 lines such as teams write: a namespace object, an onLoad handler, an
``Xrm.WebApi.online.execute`` request with ``getMetadata()`` in an object literal, a request class with a
``prototype.getMetadata``, a bound ``fetch`` to ``…/Microsoft.Dynamics.CRM.<message>`` with a JSON body, a
``$.ajax({url})`` function call, an ``XMLHttpRequest.open`` with a name built at run time, a commented-out call and
look-alike strings. The files are written to a temporary folder, then ``analyzer.code.sources.scan`` reads them
all (walk, read, tree-sitter parse, resolve, calls), best of 3.

    python benchmarks/js_sources.py [N]      # default 1000
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from analyzer.code.sources import scan

TEMPLATE = '''// Form script {n} for contoso_request{group}
var Contoso = window.Contoso || {{}};
Contoso.Form{n} = (function () {{
    "use strict";
    var lookAlike = "/api/data/v9.2/contoso_NotCalled{n}"; // never sent
    // Xrm.WebApi.online.execute(old{n});

    function onLoad(executionContext) {{
        var formContext = executionContext.getFormContext();
        formContext.getAttribute("contoso_status").addOnChange(onStatusChange);
    }}

    function onStatusChange(executionContext) {{
        var formContext = executionContext.getFormContext();
        var request = {{
            Reason: formContext.getAttribute("contoso_reason").getValue(),
            Priority: 2,
            getMetadata: function () {{
                return {{
                    boundParameter: null,
                    operationType: 0,
                    operationName: "contoso_Action{n}",
                    parameterTypes: {{
                        Reason: {{ typeName: "Edm.String", structuralProperty: 1 }},
                        Priority: {{ typeName: "Edm.Int32", structuralProperty: 1 }}
                    }}
                }};
            }}
        }};
        return Xrm.WebApi.online.execute(request).then(function (response) {{
            return response.json();
        }});
    }}

    function ScoreRequest(id) {{
        this.entity = {{ entityType: "contoso_request{group}", id: id }};
    }}
    ScoreRequest.prototype.getMetadata = function () {{
        return {{ boundParameter: "entity", operationType: 0, operationName: "contoso_Score{n}",
                 parameterTypes: {{ entity: {{ typeName: "mscrm.contoso_request{group}", structuralProperty: 5 }} }} }};
    }};

    function score(id) {{
        return Xrm.WebApi.execute(new ScoreRequest(id));
    }}

    function recalculate(id) {{
        var base = Xrm.Utility.getGlobalContext().getClientUrl();
        return fetch(base + "/api/data/v9.2/contoso_request{group}s(" + id + ")/Microsoft.Dynamics.CRM.contoso_Recalc{n}",
                     {{ method: "POST", body: JSON.stringify({{ contoso_Force: true }}) }});
    }}

    function totals(year) {{
        return $.ajax({{ url: "/api/data/v9.2/contoso_Totals{n}(Year=@y)?@y=" + year, type: "GET" }});
    }}

    function run(name) {{
        var xhr = new XMLHttpRequest();
        xhr.open("POST", Xrm.Utility.getGlobalContext().getClientUrl() + "/api/data/v9.2/" + name, true);
        xhr.send(null);
    }}

    return {{ onLoad: onLoad, score: score, recalculate: recalculate, totals: totals, run: run }};
}})();
'''


def write(folder: Path, n: int) -> int:
    total = 0
    for i in range(n):
        text = TEMPLATE.format(n=i, group=i % 20)
        (folder / f"form{i:04d}.js").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = write(folder, n)
        scan([str(folder)])  # warm: grammars loaded, files in the page cache
        times = []
        for _ in range(3):
            start = time.perf_counter()
            result = scan([str(folder)])
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        scan([str(folder)])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        calls = sum(len(f.calls) for f in result.files)
        dynamic = sum(c.dynamic for f in result.files for c in f.calls)
        best = min(times)
        print(f"{n} files, {size / 1024 / 1024:.1f} MiB, {calls} calls ({dynamic} dynamic): best {best:.2f} s "
              f"({best / n * 1000:.2f} ms a file), Python peak {peak / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
