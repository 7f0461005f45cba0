using System.Text.Json.Serialization;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>Source-generated JSON metadata for the primitive values expressions create.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
internal sealed partial class ExpressionJsonContext : JsonSerializerContext;
