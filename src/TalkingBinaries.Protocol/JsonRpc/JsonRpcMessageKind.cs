namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>What a JSON-RPC message is, judged by which members it has.</summary>
internal enum JsonRpcMessageKind
{
    /// <summary>Has <c>method</c> and <c>id</c>: wants a response.</summary>
    Request,

    /// <summary>Has <c>method</c> and no <c>id</c>: wants nothing back.</summary>
    Notification,

    /// <summary>Has <c>id</c> and <c>result</c> or <c>error</c>, no <c>method</c>.</summary>
    Response,
}
