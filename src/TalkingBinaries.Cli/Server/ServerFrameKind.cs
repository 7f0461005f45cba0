namespace TalkingBinaries.Cli;

/// <summary>What a <see cref="ServerFrame"/> is.</summary>
internal enum ServerFrameKind : byte
{
    /// <summary>Client: run <c>tb</c> with these arguments (identity, directory, arguments, environment; stdout and stderr attached).</summary>
    Run = (byte)'R',

    /// <summary>Client: a signal it received, to stop the run as it would have stopped (the signal's number).</summary>
    Signal = (byte)'G',

    /// <summary>Client: say how the server is (<c>tb server status</c>).</summary>
    Status = (byte)'S',

    /// <summary>Client: stop the server (<c>tb server stop</c>).</summary>
    Stop = (byte)'Q',

    /// <summary>Server: the run ended with this exit code; its output is all written.</summary>
    Exit = (byte)'X',

    /// <summary>Server: lines to show (the answer to status or stop).</summary>
    Text = (byte)'T',

    /// <summary>Server: it cannot take the run (it runs another tb than the client, or it is stopping); the client starts its own once it is gone.</summary>
    OtherBuild = (byte)'M',
}
