using System.Buffers;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>Reads the text of a DevFile or var-file, turning I/O failures into one-line errors that name the file.</summary>
internal static class ConfigFiles
{
    /// <summary>The file's text, read only when it is at most <see cref="YamlLimits.MaxFileBytes"/> long.</summary>
    public static string Read(string fullPath, string what)
    {
        try
        {
            // Read through a cap rather than trusting the length a file reports: a pipe or /proc file reports 0.
            using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            if (file.CanSeek && file.Length > YamlLimits.MaxFileBytes)
            {
                throw TooLarge(fullPath, what);
            }

            // The tb server reads the DevFile on every run (DevFileCache): a pooled chunk, and a buffer sized to the file.
            using var buffer = new MemoryStream(file.CanSeek ? (int)file.Length : 0);
            var chunk = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                int read;
                while ((read = file.Read(chunk, 0, chunk.Length)) > 0)
                {
                    if (buffer.Length + read > YamlLimits.MaxFileBytes)
                    {
                        throw TooLarge(fullPath, what);
                    }

                    buffer.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            buffer.Position = 0;
            using var reader = new StreamReader(buffer, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DevFileException($"{fullPath}: cannot read the {what}: {exception.Message}", exception);
        }
    }

    /// <summary>Refuses <paramref name="text"/> given directly when it is longer than a file may be.</summary>
    public static void CheckLength(string text, string fullPath, string what)
    {
        if (text.Length > YamlLimits.MaxFileBytes)
        {
            throw TooLarge(fullPath, what);
        }
    }

    private static DevFileException TooLarge(string fullPath, string what) => new(
        $"{fullPath}: the {what} is larger than {YamlLimits.MaxFileSize}, the most tb reads (docs/devfile.md, \"Limits\"); split it, or move large data into files its steps read");
}
