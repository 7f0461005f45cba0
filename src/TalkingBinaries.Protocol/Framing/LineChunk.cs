namespace TalkingBinaries.Protocol.Framing;

/// <summary>A line, or a piece of a line longer than the reader's limit, as read from a byte stream.</summary>
/// <param name="Bytes">The bytes without the line terminator; valid only until the next read.</param>
/// <param name="EndsLine">False when the line was longer than the limit and more of it follows.</param>
public readonly record struct LineChunk(ReadOnlyMemory<byte> Bytes, bool EndsLine);
