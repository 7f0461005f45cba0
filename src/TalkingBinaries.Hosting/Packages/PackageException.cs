namespace TalkingBinaries.Hosting.Packages;

/// <summary>A package could not be installed or offers no usable plugin; the message says which and what to do.</summary>
public sealed class PackageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PackageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PackageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
