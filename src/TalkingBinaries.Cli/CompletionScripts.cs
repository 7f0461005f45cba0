namespace TalkingBinaries.Cli;

/// <summary>
/// The scripts <c>tb completion SHELL</c> prints. Each hands the words typed so far to <c>tb __complete</c> and offers what
/// it prints (label, then a tab and a description); when it prints nothing, the shell completes file names.
/// </summary>
internal static class CompletionScripts
{
    public const string Bash = """
        # tb completion for bash. Load it with: source <(tb completion bash)   (e.g. in ~/.bashrc)
        _tb_complete() {
            local line
            COMPREPLY=()
            while IFS= read -r line; do
                COMPREPLY+=("${line%%$'\t'*}")
            done < <("${COMP_WORDS[0]}" __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
        }
        complete -o default -F _tb_complete tb

        """;

    public const string Zsh = """
        #compdef tb
        # tb completion for zsh. Load it with: source <(tb completion zsh)   (in ~/.zshrc, after compinit)
        _tb() {
            local -a candidates
            local line label description
            for line in "${(@f)$("${words[1]}" __complete -- "${(@)words[2,CURRENT]}" 2>/dev/null)}"; do
                [[ -n $line ]] || continue
                label=${line%%$'\t'*}
                description=
                [[ $line == *$'\t'* ]] && description=${line#*$'\t'}
                candidates+=("${label//:/\\:}${description:+:$description}")
            done
            if (( ${#candidates} )); then
                _describe -t values tb candidates
            else
                _files
            fi
        }
        if (( $+functions[compdef] )); then
            compdef _tb tb
        fi

        """;

    public const string Fish = """
        # tb completion for fish. Load it with: tb completion fish | source   (or save it as ~/.config/fish/completions/tb.fish)
        function __tb_complete
            set -l words (commandline -opc)
            set -l current (commandline -ct)
            set -l candidates ($words[1] __complete -- $words[2..-1] "$current" 2>/dev/null)
            if test (count $candidates) -gt 0
                printf '%s\n' $candidates
            else
                __fish_complete_path "$current"
            end
        end
        complete -c tb -f -a '(__tb_complete)'

        """;
}
