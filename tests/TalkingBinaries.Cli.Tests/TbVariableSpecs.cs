using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

public sealed class TbVariableSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-vars-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Var_and_var_file_set_variables_and_var_file_secrets_are_masked_everywhere()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "vars.yaml"), """
            region: eu-west-1
            sizes: [1, 2]
            who: from-the-file
            secrets:
              password: "correct horse"
            """);
        WriteDevFile("""
            vars:
              who: from-the-devfile
            plugins:
              - ref: echo
              - ref: shell
            steps:
              - name: greet
                plugin: echo
                config:
                  say: "${{ vars.who }} in ${{ vars.region }} with ${{ vars.sizes }}"
              - name: leak
                plugin: shell
                config:
                  commands: ['echo "password: $PASSWORD"']
                  env:
                    PASSWORD: ${{ secrets.password }}
            """);
        var reportPath = Path.Combine(_directory.FullName, "report.json");

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--var-file", "vars.yaml", "--var", "who=from-the-command-line", "--report", reportPath);

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains("[greet] from-the-command-line in eu-west-1 with [1,2]\n", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[leak] password: ***\n", tb.Stdout, StringComparison.Ordinal);
        var report = File.ReadAllText(reportPath);
        Assert.DoesNotContain("correct horse", report, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(report);
        Assert.Equal("from-the-command-line", document.RootElement.GetProperty("variables").GetProperty("who").GetString());
        Assert.Equal("password: ***\n", document.RootElement.GetProperty("steps")[1].GetProperty("outputs").GetProperty("stdout").GetString());
    }

    [Theory]
    [InlineData("--var", "novalue", "tb: error: --var 'novalue' must be NAME=VALUE")]
    [InlineData("--var", "9lives=x", "tb: error: --var '9lives=x' must be NAME=VALUE")]
    [InlineData("--var-file", "missing.yaml", "cannot read the var-file")]
    public async Task Bad_variables_on_the_command_line_exit_2(string option, string value, string message)
    {
        WriteDevFile("""
            plugins:
              - ref: echo
            steps:
              - name: greet
                plugin: echo
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", option, value);

        Assert.Equal(2, tb.ExitCode);
        Assert.Contains(message, tb.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reports_an_expression_error_with_its_position()
    {
        WriteDevFile("""
            plugins:
              - ref: echo
            steps:
              - name: greet
                plugin: echo
                config:
                  say: ${{ vars.who == }}
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "validate");

        Assert.Equal(2, tb.ExitCode);
        Assert.StartsWith($"tb: error: {Path.Combine(_directory.FullName, "DevFile")}:7:28: in '${{{{ vars.who == }}}}': ", tb.Stderr, StringComparison.Ordinal);
        Assert.Single(tb.Stderr.Trim().Split('\n'));
    }

    private void WriteDevFile(string text) => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), text);
}
