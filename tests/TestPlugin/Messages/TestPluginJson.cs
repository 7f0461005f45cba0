using System.Text.Json.Serialization;

namespace TalkingBinaries.TestPlugin.Messages;

/// <summary>Source-generated JSON for the messages the test plugin sends (no reflection, trim and Native AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, Converters = [typeof(VerbatimJsonConverter)])]
[JsonSerializable(typeof(ResultResponse<InitializeResult>), TypeInfoPropertyName = "InitializeResponse")]
[JsonSerializable(typeof(ResultResponse<StepResult>), TypeInfoPropertyName = "StepResponse")]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(Notification<LogParams>), TypeInfoPropertyName = "LogNotification")]
[JsonSerializable(typeof(Notification<ProgressParams>), TypeInfoPropertyName = "ProgressNotification")]
[JsonSerializable(typeof(Notification<VarsSetParams>), TypeInfoPropertyName = "VarsSetNotification")]
[JsonSerializable(typeof(Notification<SecretsAddParams>), TypeInfoPropertyName = "SecretsAddNotification")]
[JsonSerializable(typeof(NoOutputs))]
[JsonSerializable(typeof(PidAndConfigOutputs))]
[JsonSerializable(typeof(PidAndParallelOutputs))]
[JsonSerializable(typeof(ValueAndConfigOutputs))]
[JsonSerializable(typeof(ChildOutputs))]
[JsonSerializable(typeof(TextOutputs))]
[JsonSerializable(typeof(AttemptOutputs))]
internal sealed partial class TestPluginJson : JsonSerializerContext;
