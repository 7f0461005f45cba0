namespace TalkingBinaries.Workflow.Reporting;

/// <summary>The page's own style and script, inlined into every page.</summary>
public static partial class HtmlTimeline
{
    private const string Style = """

        :root { --succeeded: #2f9e57; --failed: #d4443b; --cancelled: #d99a1e; --skipped: #9aa0a6; --upToDate: #8cc7a1; --timedOut: #d4443b; font-family: system-ui, sans-serif; color: #1f2328; }
        body { margin: 0 auto; max-width: 1400px; padding: 16px 24px; }
        h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 20px 0 8px; }
        .badge { color: #fff; border-radius: 4px; padding: 2px 8px; font-size: 16px; }
        .s-succeeded { background: var(--succeeded); } .s-failed { background: var(--failed); } .s-cancelled { background: var(--cancelled); }
        .s-skipped { background: var(--skipped); } .s-up-to-date { background: var(--upToDate); } .s-timedOut { background: var(--timedOut); }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; font-size: 14px; }
        .facts dt { color: #59636e; } .facts dd { margin: 0; word-break: break-all; }
        .legend { font-size: 13px; color: #59636e; }
        .key { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin: 0 5px 0 10px; vertical-align: -1px; }
        summary .key { margin-left: 0; }
        .chart { position: relative; border: 1px solid #d1d9e0; border-radius: 6px; padding: 28px 12px 10px; background: #f6f8fa; }
        .axis { position: absolute; inset: 0 12px; pointer-events: none; }
        .tick { position: absolute; top: 0; bottom: 0; border-left: 1px dashed #c8d0d8; }
        .tick span { position: absolute; top: 6px; left: 3px; font-size: 11px; color: #59636e; white-space: nowrap; }
        .lanes { position: relative; }
        .bar { position: absolute; height: 24px; border-radius: 4px; box-sizing: border-box; min-width: 3px; cursor: pointer; overflow: hidden; color: #fff;
               font-size: 12px; line-height: 24px; box-shadow: inset 0 0 0 1px rgba(0,0,0,.15); }
        .bar span { position: relative; padding: 0 6px; white-space: nowrap; }
        .attempt { position: absolute; top: 0; bottom: 0; box-shadow: inset -2px 0 0 rgba(255,255,255,.7); }
        .bar:hover { filter: brightness(1.1); box-shadow: inset 0 0 0 2px rgba(0,0,0,.35); }
        .tip { position: absolute; z-index: 10; background: #1f2328; color: #fff; font-size: 12px; padding: 6px 8px; border-radius: 4px; white-space: pre; pointer-events: none; }
        .skipped { font-size: 13px; color: #59636e; }
        .chip { color: #fff; border-radius: 10px; padding: 1px 8px; text-decoration: none; margin-right: 4px; }
        details.step { border: 1px solid #d1d9e0; border-radius: 6px; margin: 6px 0; padding: 6px 10px; }
        details.step summary { cursor: pointer; } details.step[open] summary { margin-bottom: 6px; }
        .muted { color: #59636e; font-size: 13px; } .error { color: #b42318; font-size: 14px; white-space: pre-wrap; }
        pre.log { background: #0d1117; color: #e6edf3; padding: 8px; border-radius: 4px; max-height: 420px; overflow: auto; font-size: 12px; white-space: pre-wrap; word-break: break-all; }
        pre.log time { color: #7d8590; } .l-debug { color: #7d8590; } .l-warn { color: #e3b341; } .l-error { color: #ff7b72; } .l-stdout { color: #a5d6ff; }
        table.values { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; }
        table.values th, table.values td { border: 1px solid #d1d9e0; padding: 3px 8px; text-align: left; vertical-align: top; }
        table.values code { white-space: pre-wrap; word-break: break-all; }
        footer { margin-top: 24px; font-size: 12px; color: #59636e; }

        """;

    // Only text the page wrote itself reaches the DOM here, and through textContent: nothing from the run is parsed as HTML.
    private const string Script = """

        (function () {
          var chart = document.getElementById('chart');
          var tip = document.createElement('div');
          tip.id = 'tip';
          tip.className = 'tip';
          tip.hidden = true;
          document.body.appendChild(tip);
          chart.querySelectorAll('.bar').forEach(function (bar) {
            bar.addEventListener('mouseover', function (e) { tip.textContent = e.target.closest('[data-tip]').getAttribute('data-tip'); tip.hidden = false; });
            bar.addEventListener('mousemove', function (e) { tip.style.left = (e.pageX + 14) + 'px'; tip.style.top = (e.pageY + 14) + 'px'; });
            bar.addEventListener('mouseleave', function () { tip.hidden = true; });
            bar.addEventListener('click', function () {
              var details = document.getElementById(bar.getAttribute('data-details'));
              if (details) { details.open = true; details.scrollIntoView({ block: 'start' }); }
            });
          });
          chart.setAttribute('data-ready', 'true');
        })();

        """;
}
