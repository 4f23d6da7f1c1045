// CommandLineReader.swift: a small command-line reader for the inference binary: `--name` flags, `--name VALUE` and
// `--name=VALUE` options, positional arguments, `--` and `--help`. No reflection, no Foundation.
import PrecastRuntime

/// One option of a command: a flag (`--name`) or an option with a value (`--name VALUE`, `--name=VALUE`), its help
/// line and how it sets the command's field.
public struct CommandLineOption<Command> {
  let name: String
  let takesValue: Bool
  let help: String
  let apply: (inout Command, String) throws -> Void

  /// `--name`: sets a field when present.
  static func flag(_ name: String, _ help: String, _ set: @escaping (inout Command) -> Void) -> Self {
    Self(name: name, takesValue: false, help: help) { command, _ in set(&command) }
  }

  /// `--name VALUE`: `set` stores the value (it may throw `PrecastError` for a value it cannot read).
  static func value(_ name: String, _ help: String, _ set: @escaping (inout Command, String) throws -> Void) -> Self {
    Self(name: name, takesValue: true, help: help, apply: set)
  }

  /// `--name <name>` (or `--name` for a flag), as usage and help show it.
  var synopsis: String { takesValue ? "--\(name) <\(name)>" : "--\(name)" }
}

enum CommandLineReader {
  /// Applies `arguments` (without the program name) to `command`: options by name, everything else (and everything
  /// after `--`) to `positional`. An unknown option, a missing value or a value `set` refuses → `PrecastError`.
  static func read<Command>(
    _ arguments: [String], options: [CommandLineOption<Command>], into command: inout Command,
    positional: (inout Command, String) -> Void
  ) throws(PrecastError) {
    var index = 0
    var optionsEnded = false
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      guard !optionsEnded, argument.hasPrefix("--") else {
        positional(&command, argument)
        continue
      }
      if argument == "--" {
        optionsEnded = true
        continue
      }
      let body = argument.dropFirst(2)
      let name = String(body.prefix { $0 != "=" })
      let inlineValue = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
      guard let option = options.first(where: { $0.name == name }) else {
        throw PrecastError("unknown option '--\(name)'")
      }
      var value = ""
      if option.takesValue {
        if let inlineValue {
          value = inlineValue
        } else {
          guard index < arguments.count else { throw PrecastError("missing value for '--\(name) <\(name)>'") }
          value = arguments[index]
          index += 1
        }
      } else if inlineValue != nil {
        throw PrecastError("'--\(name)' takes no value")
      }
      do { try option.apply(&command, value) } catch let error as PrecastError { throw error } catch {
        throw PrecastError("--\(name): \(error)")
      }
    }
  }

  /// The `--help` text: overview, usage, the positional arguments and every option with its help.
  static func help<Command>(
    command: String, abstract: String, discussion: String, arguments: (name: String, help: String),
    options: [CommandLineOption<Command>]
  ) -> String {
    let width = max(24, (options.map { $0.synopsis.count } + [arguments.name.count + 2]).max()! + 2)
    func row(_ left: String, _ help: String) -> String {
      "  " + left + String(repeating: " ", count: width - left.count) + help + "\n"
    }
    var text = "OVERVIEW: \(abstract)\n\n\(discussion)\n\n"
    text += "USAGE: \(command) [<\(arguments.name)> ...] " + options.map { "[\($0.synopsis)]" }.joined(separator: " ") + "\n\n"
    text += "ARGUMENTS:\n" + row("<\(arguments.name)>", arguments.help) + "\n"
    text += "OPTIONS:\n"
    for option in options { text += row(option.synopsis, option.help) }
    text += row("-h, --help", "Show help information.")
    return text
  }
}

/// `text` as an integer, or a `PrecastError` naming the option.
func integer(_ text: String, _ option: String) throws(PrecastError) -> Int {
  guard let value = Int(text) else { throw PrecastError("\(option): '\(text)' is not an integer") }
  return value
}

/// `text` as a finite number, or a usage error naming `option`.
func number(_ text: String, _ option: String) throws(PrecastError) -> Float {
  guard let value = Float(text), value.isFinite else { throw PrecastError("\(option): '\(text)' is not a number") }
  return value
}
