namespace TalkingBinaries.Workflow.Expressions;

/// <summary>How the run is going, for <c>success()</c>, <c>failure()</c>, <c>cancelled()</c> and <c>always()</c>.</summary>
/// <param name="AnyFailed">Something has failed, so <c>failure()</c> is true and <c>success()</c> false.</param>
/// <param name="Cancelled">The run has been cancelled, so <c>cancelled()</c> is true and <c>success()</c> false.</param>
internal sealed record ExpressionStatus(bool AnyFailed, bool Cancelled);
