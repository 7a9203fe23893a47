package main

import "github.com/spf13/cobra"

func newConfigCommand(a *app) *cobra.Command { return &cobra.Command{Use: "config"} }
