using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>
/// After config <c>ms</c> of sleep, sets variable config <c>name</c> to config <c>value</c> (a secret with
/// <c>secret: true</c>); config <c>register</c> names a secret to mask, which it then prints, to show the masking.
/// </summary>
internal sealed class SetVarBehaviour : Behaviour
{
    public override string Name => "set-var";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        Thread.Sleep(step.Milliseconds);
        var name = step.Config.GetProperty("name").GetString()!;
        var value = step.Config.GetProperty("value");
        wire.SetVariable(step, name, value, step.IsSet("secret"));
        if (step.Config.TryGetProperty("register", out var register))
        {
            wire.AddSecret(step, register);

            // stderr and stdout are separate pipes: give the host a moment to take the secret first.
            Thread.Sleep(200);
            wire.WriteStderrLine("the registered secret is " + register.GetString());
        }

        wire.WriteStderrLine("variables seen: " + step.Parameters.GetProperty("variables").GetRawText());
        wire.Succeed(step, new ValueAndConfigOutputs(value, step.Config), TestPluginJson.Default.ValueAndConfigOutputs);
        return Next.KeepServing;
    }
}
