// Placeholder until the Rendering module lands (issue 5); see DESIGN.md.
