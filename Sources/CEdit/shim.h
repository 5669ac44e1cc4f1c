// libedit's readline-compatible interface, used by the interactive prompt
// (Sources/ConfChatConsole/EditLineTerminal.swift). Debian: libedit-dev.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>

// Accessors for libedit's global variables: Swift 6 refuses to touch imported mutable
// globals directly (they are shared mutable state), so the prompt goes through these.
static inline int cedit_point(void) { return rl_point; }
static inline int cedit_end(void) { return rl_end; }
static inline void cedit_set_point(int point) { rl_point = point; }
static inline void cedit_set_attempted_completion(rl_completion_func_t *f) { rl_attempted_completion_function = f; }
static inline void cedit_set_attempted_completion_over(int over) { rl_attempted_completion_over = over; }
// Only white space separates words for completion, so `@bob` and `#team` complete whole.
static inline void cedit_set_word_breaks(void) { rl_basic_word_break_characters = " \t\n"; }
static inline void cedit_set_catch_signals(int on) { rl_catch_signals = on; rl_catch_sigwinch = on; }
// A string literal: libedit keeps the pointer and reads it at every rl_initialize.
static inline void cedit_set_readline_name(void) { rl_readline_name = "confchat"; }
// See EditLineTerminal.growLineBuffers: after every key libedit writes rl_line_buffer[rl_end].
static inline void cedit_set_line_buffer(char *buffer) { rl_line_buffer = buffer; }
static inline void cedit_set_streams(FILE *in, FILE *out) { rl_instream = in; rl_outstream = out; }
static inline FILE *cedit_stdin(void) { return stdin; }
static inline FILE *cedit_stdout(void) { return stdout; }
