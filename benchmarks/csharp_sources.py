"""Cost of parsing C# sources (``--sources``, issue 12): N generated plug-in and caller files.

Each file holds a plug-in class of about 60 lines with a [CrmPluginRegistration] attribute, reads of
InputParameters (indexer and a GetInputParameter<T> helper), writes of OutputParameters, an
OrganizationRequest call with parameters, an early-bound request instantiation and a comment; one file holds
the early-bound request classes. The files are written to a temporary folder, then ``analyzer.code.sources.scan``
reads them all (walk, read, tree-sitter parse, calls, handlers, registrations), best of 3.

    python benchmarks/csharp_sources.py [N]      # default 1000
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from analyzer.code.sources import scan

TEMPLATE = '''using System;
using Microsoft.Xrm.Sdk;
using Contoso.Generated.Messages;

namespace Contoso.Generated.Plugins.Group{group}
{{
    /// <summary>Handles contoso_Action{n} on contoso_request{group}.</summary>
    [CrmPluginRegistration("contoso_Action{n}", "contoso_request{group}", StageEnum.PostOperation,
        ExecutionModeEnum.Synchronous, "", "Post contoso_Action{n}", 1, IsolationModeEnum.Sandbox,
        Image1Type = ImageTypeEnum.PreImage, Image1Name = "pre", Image1Attributes = "name,statuscode",
        Id = "00000000-0000-4000-8000-{n:012d}")]
    public class Handler{n} : PluginBase
    {{
        public Handler{n}(string unsecure, string secure) : base(typeof(Handler{n})) {{ }}

        protected override void ExecuteCrmPlugin(LocalPluginContext context)
        {{
            var target = context.GetInputParameter<EntityReference>("Target");
            var amount = (Money)context.PluginExecutionContext.InputParameters["contoso_Amount{n}"];
            if (context.PluginExecutionContext.InputParameters.Contains("contoso_Force"))
            {{
                context.Trace("forced");
            }}
            // context.PluginExecutionContext.OutputParameters["contoso_Old"] = 0;
            var request = new OrganizationRequest("contoso_Next{n}");
            request["Target"] = target;
            request.Parameters.Add("Amount", amount);
            context.OrganizationService.Execute(request);
            context.OrganizationService.Execute(new contoso_Recalculate{early}Request {{ Target = target }});
            for (var i = 0; i < 10; i++)
            {{
                amount = new Money(amount.Value + i);
            }}
            context.PluginExecutionContext.OutputParameters["contoso_Total{n}"] = amount;
            context.PluginExecutionContext.OutputParameters.Add("contoso_Count", 10);
        }}

        private static string Describe(Entity entity) =>
            $"{{entity.LogicalName}} {{entity.Id}}: {{entity.GetAttributeValue<string>("name")}}";
    }}
}}
'''

EARLY = '''    [Microsoft.Xrm.Sdk.Client.RequestProxyAttribute("contoso_Recalculate{i}")]
    public partial class contoso_Recalculate{i}Request : Microsoft.Xrm.Sdk.OrganizationRequest
    {{
        public Microsoft.Xrm.Sdk.EntityReference Target
        {{
            get {{ return (Microsoft.Xrm.Sdk.EntityReference)this.Parameters["Target"]; }}
            set {{ this.Parameters["Target"] = value; }}
        }}
        public contoso_Recalculate{i}Request() {{ this.RequestName = "contoso_Recalculate{i}"; }}
    }}
'''


def write(folder: Path, n: int) -> int:
    size = 0
    for i in range(n):
        path = folder / f"Group{i % 20}" / f"Handler{i}.cs"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = TEMPLATE.format(n=i, group=i % 20, early=i % 50)
        path.write_text(text)
        size += len(text)
    early = "namespace Contoso.Generated.Messages\n{\n" + "".join(EARLY.format(i=i) for i in range(50)) + "}\n"
    (folder / "Messages.cs").write_text(early)
    return size + len(early)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        size = write(Path(tmp), n)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            result = scan([tmp])
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        scan([tmp])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    calls = sum(len(f.calls) for f in result.files)
    handlers = sum(1 for f in result.files for h in f.handlers if h.reads or h.writes)
    registrations = sum(len(f.registrations) for f in result.files)
    print(f"{len(result.files)} C# files, {size / 1e6:.1f} MB: best {min(times):.2f} s "
          f"({min(times) / len(result.files) * 1000:.2f} ms a file), Python heap peak {peak / 1e6:.0f} MB; "
          f"{calls} calls, {handlers} classes with parameter keys, {registrations} registrations")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
